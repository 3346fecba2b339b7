# Gilde's production image: gunicorn serving Django, the same image runs the Celery worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    VIRTUAL_ENV=/app/.venv \
    PATH="/app/.venv/bin:$PATH"

RUN pip install --no-cache-dir uv==0.13.9 \
    && useradd --create-home --uid 1000 gilde

WORKDIR /app
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev --no-install-project

COPY . .
# Translations, static files and Gilde's own bytecode are built into the image (uv compiled the
# packages'): with PYTHONDONTWRITEBYTECODE every worker would otherwise compile the project's
# sources each time it starts (the apps of INSTALLED_APPS; tests/test_compose.py checks the list).
# The secret here only lets settings load.
RUN python -m compileall -q cop members meetings feedback \
    && DEBUG=true python manage.py compile_translations -v 0 \
    && SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput -v 0 \
    && mkdir -p /app/var && chown -R gilde /app/var

USER gilde
EXPOSE 8000
CMD ["gunicorn", "cop.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
