FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

RUN apt-get update && apt-get install -y --no-install-recommends gettext curl \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml ./
RUN pip install --upgrade pip && pip install -e .

COPY . .
# bin/web collects the static files when it starts, with the site's real settings.
RUN useradd --create-home campaign \
    && mkdir -p /app/media /app/staticfiles && chown -R campaign /app/media /app/staticfiles
USER campaign

EXPOSE 8000
# docker-compose.yml runs bin/web, bin/worker and bin/beat; a bare `docker run` serves the site.
CMD ["bin/web"]
