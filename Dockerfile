# Saison server image: the browser app built with Node, then the Python app that serves it.
FROM node:20-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm ci --no-audit --no-fund
COPY web/ ./
RUN npm run build

FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SAISON_WEB_DIST=/app/web/dist \
    SAISON_TYPST_TEMPLATES=/app/typst_templates SAISON_DATA_DIR=/data SAISON_LOG_FORMAT=json
COPY pyproject.toml README.md requirements.lock ./
COPY server ./server
COPY realtime ./realtime
COPY calendar_bridge ./calendar_bridge
COPY typst_templates ./typst_templates
RUN pip install --no-cache-dir --require-hashes -r requirements.lock \
    && pip install --no-cache-dir --no-deps .
COPY --from=web /web/dist /app/web/dist
# Not root: the data dir (a volume in compose.yaml) is the only place it writes.
RUN useradd --system --uid 10001 --home-dir /data saison \
    && mkdir -p /data && chown saison /data
USER saison
VOLUME /data
EXPOSE 8000
CMD ["saison", "serve", "--host", "0.0.0.0", "--port", "8000"]
