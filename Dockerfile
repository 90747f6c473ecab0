# Production image of the Ordinavo Customer Portal: one static-ish binary plus the built SPA.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release -p ordinavo-api

FROM node:20-bookworm-slim AS spa
WORKDIR /src
COPY frontend/ frontend/
COPY openapi/ openapi/
RUN if [ -f frontend/package.json ]; then cd frontend && npm ci && npm run build; else mkdir -p frontend/dist; fi

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* && useradd --system --uid 10001 ordinavo
COPY --from=build /src/target/release/ordinavo /usr/local/bin/ordinavo
COPY --from=spa /src/frontend/dist /srv/ordinavo/frontend
ENV ORDINAVO_FRONTEND_DIR=/srv/ordinavo/frontend ORDINAVO_DATA_DIR=/var/lib/ordinavo \
    ORDINAVO_BIND=0.0.0.0:8080
RUN mkdir -p /var/lib/ordinavo && chown ordinavo /var/lib/ordinavo
USER ordinavo
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["ordinavo"]
CMD ["--production", "serve"]
