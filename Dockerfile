# coachbot in a container: a slim Python, a user of its own, the data on a volume.
#   docker build -t coachbot .
#   docker run -d --name coachbot --env-file coachbot.env -v coachbot-data:/data -p 8080:8080 \
#       --stop-timeout 30 --restart on-failure coachbot
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    COACHBOT_DATA_DIR=/data \
    COACHBOT_CONTENT_DIR=/app/content \
    COACHBOT_FEEDS=/app/feeds.yaml \
    COACHBOT_LOG_FORMAT=json \
    COACHBOT_HTTP_PORT=8080 \
    MPLCONFIGDIR=/tmp/matplotlib

RUN useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin coachbot

WORKDIR /app
COPY pyproject.toml README.md feeds.yaml ./
COPY bot ./bot
COPY content ./content
RUN pip install . \
    && mkdir -p /data \
    && chown coachbot:coachbot /data \
    && chmod 700 /data

USER coachbot
VOLUME ["/data"]
EXPOSE 8080
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('COACHBOT_HTTP_PORT', '8080') + '/healthz', timeout=4)"]
CMD ["coachbot", "run"]
