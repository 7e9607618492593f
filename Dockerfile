# Saison server image: the Python app (the web client, when built, is served by it).
FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
COPY pyproject.toml README.md ./
COPY server ./server
COPY realtime ./realtime
COPY calendar_bridge ./calendar_bridge
RUN pip install --no-cache-dir .
EXPOSE 8000
CMD ["saison", "serve", "--host", "0.0.0.0", "--port", "8000"]
