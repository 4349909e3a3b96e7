# One image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext \
 && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 bureau
WORKDIR /app
COPY pyproject.toml README.md ./
COPY requirements ./requirements
COPY bureau ./bureau
COPY complaints ./complaints
COPY wagecases ./wagecases
COPY inspections ./inspections
COPY reemployment ./reemployment
RUN pip install --no-cache-dir -c requirements/constraints.txt .
COPY . .
RUN DJANGO_SECRET_KEY=build DJANGO_STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput
ENV DJANGO_STATIC_ROOT=/app/staticfiles
USER bureau
EXPOSE 8000
CMD ["gunicorn", "bureau.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
