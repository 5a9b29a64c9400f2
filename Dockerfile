FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/momentum.db

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY storage ./storage
# The postgres extra (asyncpg) lets one image run on SQLite or on a shared PostgreSQL.
RUN pip install '.[postgres]' \
    && useradd --system --uid 10001 --home-dir /data momentum \
    && mkdir -p /data && chown momentum /data

USER momentum
WORKDIR /data
VOLUME ["/data"]
ENTRYPOINT ["momentum"]
CMD ["run"]
