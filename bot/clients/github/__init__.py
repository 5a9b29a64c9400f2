"""The one GitHub client: star history over REST, metadata over GraphQL (REST without a
token), rate limits read from every answer, faults retried with bounded backoff."""

from bot.clients.github.client import ClientStats, GitHubClient
from bot.clients.github.errors import (
    GitHubError,
    GitHubUnavailable,
    HistoryUnavailable,
    InvalidHistory,
    RateLimited,
    RepoNotFound,
    StargazersClosed,
    UnexpectedResponse,
)
from bot.clients.github.history import StarHistory, Week
from bot.clients.github.models import RepoInfo, SearchPage
from bot.clients.github.ratelimit import RateLimit
from bot.clients.github.stargazers import Stargazers

__all__ = [
    "ClientStats",
    "GitHubClient",
    "GitHubError",
    "GitHubUnavailable",
    "HistoryUnavailable",
    "InvalidHistory",
    "RateLimit",
    "RateLimited",
    "RepoInfo",
    "RepoNotFound",
    "SearchPage",
    "StarHistory",
    "Stargazers",
    "StargazersClosed",
    "UnexpectedResponse",
    "Week",
]
