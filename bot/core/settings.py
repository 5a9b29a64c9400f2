"""Configuration from the environment and an optional ``.env`` file."""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.timezones import is_time_zone

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(name: str) -> str:
    if name.upper() not in LOG_LEVELS:
        raise ValueError(f"expected one of {', '.join(LOG_LEVELS)}")
    return name.upper()



def _time_zone(name: str) -> str:
    if not is_time_zone(name):
        raise ValueError("not an IANA time zone name, such as UTC or Europe/Berlin")
    return name


def _database_url(url: str) -> str:
    if not url.startswith(("sqlite:///", "postgresql://", "postgres://")):
        raise ValueError("expected sqlite:///path/to/file.db or postgresql://…")
    return url


def _http_url(url: str) -> str:
    if not url.startswith(("http://", "https://")):
        raise ValueError("expected an http:// or https:// address")
    return url.rstrip("/")


def _api_base_url(url: str) -> str:
    # slack_sdk joins method names onto the base URL, which therefore ends in one slash.
    return _http_url(url) + "/"


def _ws_url(url: str) -> str:
    if not url.startswith(("ws://", "wss://")):
        raise ValueError("expected a ws:// or wss:// address")
    return url


def _shard_list(value: object) -> object:
    # Written as "0,1" or "0-3,8" in the environment; pydantic checks the numbers after.
    if not isinstance(value, str):
        return value
    ids: list[int] = []
    for part in value.replace(" ", "").split(","):
        first, dash, last = part.partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ValueError("expected shard numbers such as 0,1 or 0-3")
        ids.extend(range(int(first), int(last if dash else first) + 1))
    return tuple(ids)


TimeZoneName = Annotated[str, AfterValidator(_time_zone)]
# NoDecode keeps pydantic-settings from reading "0,1" as JSON.
ShardIds = Annotated[tuple[int, ...] | None, NoDecode, BeforeValidator(_shard_list)]
HttpUrl = Annotated[str, AfterValidator(_http_url)]


class Settings(BaseSettings):
    """Every setting, named by its environment variable."""

    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, frozen=True
    )

    database_url: Annotated[str, AfterValidator(_database_url)] = Field(
        "sqlite:///momentum.db", validation_alias="DATABASE_URL"
    )
    github_token: SecretStr | None = Field(None, validation_alias="GITHUB_TOKEN")
    github_api_url: HttpUrl = Field("https://api.github.com", validation_alias="GITHUB_API_URL")
    github_graphql_url: HttpUrl = Field(
        "https://api.github.com/graphql", validation_alias="GITHUB_GRAPHQL_URL"
    )
    hn_api_url: HttpUrl = Field("https://hn.algolia.com/api/v1", validation_alias="HN_API_URL")
    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_api_url: Annotated[str, AfterValidator(_api_base_url)] = Field(
        "https://slack.com/api/", validation_alias="SLACK_API_URL"
    )
    slack_client_id: str | None = Field(None, validation_alias="SLACK_CLIENT_ID")
    slack_client_secret: SecretStr | None = Field(None, validation_alias="SLACK_CLIENT_SECRET")
    # chat.postMessage across one workspace: Slack publishes no figure for its workspace-wide
    # limit, so the pace is a setting; posts are spaced to it (and 1 s apart in a channel),
    # and a 429 past it is still waited out, as it was before there was a pace: so a pace
    # set too high costs what no pace did, and one set too low would slow every fan-out.
    slack_posts_per_second: float = Field(
        50.0, gt=0, le=1000, validation_alias="SLACK_POSTS_PER_SECOND"
    )
    # 0 asks the system for a free port (tests and benchmarks).
    port: int = Field(3000, ge=0, le=65535, validation_alias="PORT")
    discord_token: SecretStr | None = Field(None, validation_alias="DISCORD_TOKEN")
    discord_guild_id: int | None = Field(None, gt=0, validation_alias="DISCORD_GUILD_ID")
    discord_shard_count: int | None = Field(None, ge=1, validation_alias="DISCORD_SHARD_COUNT")
    # This process's shards out of DISCORD_SHARD_COUNT (None: all of them).
    discord_shard_ids: ShardIds = Field(None, validation_alias="DISCORD_SHARD_IDS")
    # REST base including the API version, as discord.py's Route.BASE holds it.
    discord_api_url: HttpUrl = Field(
        "https://discord.com/api/v10", validation_alias="DISCORD_API_URL"
    )
    discord_gateway_url: Annotated[str, AfterValidator(_ws_url)] = Field(
        "wss://gateway.discord.gg/", validation_alias="DISCORD_GATEWAY_URL"
    )
    window_days: int = Field(7, ge=1, le=90, validation_alias="MOMENTUM_WINDOW_DAYS")
    timezone: TimeZoneName = Field("UTC", validation_alias="MOMENTUM_TIMEZONE")
    max_watch: int = Field(100, ge=1, le=1000, validation_alias="MOMENTUM_MAX_WATCH")
    # An OpenAI-compatible server (Ollama, llama.cpp, vLLM, LM Studio) that words briefings;
    # unset, no model is used. Its text is posted only when every figure in it checks out.
    llm_url: HttpUrl | None = Field(None, validation_alias="MOMENTUM_LLM_URL")
    llm_model: str | None = Field(None, min_length=1, validation_alias="MOMENTUM_LLM_MODEL")
    llm_api_key: SecretStr | None = Field(None, validation_alias="MOMENTUM_LLM_API_KEY")
    llm_timeout: float = Field(20.0, gt=0, le=300, validation_alias="MOMENTUM_LLM_TIMEOUT")
    # Requests in flight at once: a local server answers one or two at a time.
    llm_concurrency: int = Field(2, ge=1, le=64, validation_alias="MOMENTUM_LLM_CONCURRENCY")
    log_level: Annotated[str, AfterValidator(_log_level)] = Field(
        "INFO", validation_alias="LOG_LEVEL"
    )

    @field_validator("llm_model")
    @classmethod
    def _model_with_url(cls, model: str | None, info: ValidationInfo) -> str | None:
        if model is None and info.data.get("llm_url") is not None:
            raise ValueError("is needed with MOMENTUM_LLM_URL: the model's name on that server")
        return model

    @field_validator("discord_shard_ids")
    @classmethod
    def _shards_within_count(
        cls, ids: tuple[int, ...] | None, info: ValidationInfo
    ) -> tuple[int, ...] | None:
        if ids is None:
            return None
        if "discord_shard_count" not in info.data:
            return ids  # DISCORD_SHARD_COUNT is bad itself and is reported on its own
        count = info.data["discord_shard_count"]
        if count is None:
            raise ValueError("needs DISCORD_SHARD_COUNT, the number of shards of all processes")
        if not ids:
            raise ValueError("names no shard")
        if len(set(ids)) < len(ids):
            raise ValueError("names a shard twice")
        if max(ids) >= count:
            raise ValueError(
                f"shards are numbered 0 to {count - 1} with DISCORD_SHARD_COUNT={count}"
            )
        return ids

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None or self.slack_oauth_configured

    @property
    def slack_oauth_configured(self) -> bool:
        return self.slack_client_id is not None and self.slack_client_secret is not None

    @property
    def llm_configured(self) -> bool:
        return self.llm_url is not None

    @property
    def discord_configured(self) -> bool:
        return self.discord_token is not None


_SECRET_SUFFIXES = ("TOKEN", "SECRET")


class SettingsError(Exception):
    """A setting has a bad value; ``str()`` is one line naming the variable."""


def load_settings(**overrides: object) -> Settings:
    """Read the settings, or raise :class:`SettingsError` naming the first bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    first = exc.errors()[0]
    variable = str(first["loc"][0]) if first["loc"] else "a setting"
    # A check on a setting left at its default reports the field's name, not the variable's.
    if (known := Settings.model_fields.get(variable)) and isinstance(known.validation_alias, str):
        variable = known.validation_alias
    reason = str(first["msg"]).removeprefix("Value error, ")
    value = first.get("input")
    secret = variable.endswith(_SECRET_SUFFIXES)
    shown = f"={value!r}" if isinstance(value, str | int) and not secret else ""
    more = len(exc.errors()) - 1
    tail = f" (and {more} more bad setting{'s' if more > 1 else ''})" if more else ""
    return f"{variable}{shown} is invalid: {reason}{tail}"
