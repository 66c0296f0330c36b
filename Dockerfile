# syntax=docker/dockerfile:1
# ChurnGuard Analytics: a Swift build stage and a slim runtime stage running as a
# non-root user. Build: docker build -t churnguard:latest .   (see docs/DEPLOYMENT.md)

# ---- build ----
FROM swift:6.3-noble AS build
WORKDIR /src
RUN apt-get update \
    && apt-get install -y --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
# Resolve dependencies first so that a source change does not refetch them.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product churnguard --static-swift-stdlib \
    && mkdir -p /staging/bin \
    && cp "$(swift build -c release --show-bin-path)/churnguard" /staging/bin/ \
    && find "$(swift build -c release --show-bin-path)" -maxdepth 1 -name '*.resources' -exec cp -R {} /staging/bin/ \;

# ---- runtime ----
FROM ubuntu:24.04 AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates tzdata libsqlite3-0 libcurl4 libxml2 curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 churnguard \
    && useradd --system --uid 10001 --gid churnguard --home-dir /app --shell /usr/sbin/nologin churnguard
WORKDIR /app
COPY --from=build /staging/bin/ /app/bin/
COPY config/analytics.yaml /app/config/analytics.yaml
# The narrative templates, editable without rebuilding (insights.narrative_templates).
COPY templates/insights /app/templates/insights
RUN mkdir -p /app/data /var/log/churnguard \
    && chown -R churnguard:churnguard /app/data /var/log/churnguard
USER 10001:10001
ENV PATH=/app/bin:$PATH \
    API_HOST=0.0.0.0 \
    API_PORT=8000 \
    LOG_LEVEL=info
EXPOSE 8000 9464
VOLUME ["/app/data"]
# Liveness only: /health answers while the process serves HTTP; /ready adds the database.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "--max-time", "4", "http://127.0.0.1:8000/health"]
ENTRYPOINT ["churnguard"]
CMD ["serve", "--no-worker"]
