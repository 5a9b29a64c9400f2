"""The Slack adapter: slack-bolt's ``AsyncApp`` in Socket Mode or HTTP mode.

``translate`` turns a slash command into a ``Command`` and a ``Message`` into a reply,
``render`` draws Block Kit, ``app`` wires both to the SDK. Only this package imports
slack_bolt and slack_sdk.
"""
