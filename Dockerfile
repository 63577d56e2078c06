# The web server: Django under gunicorn, with the packages pinned in uv.lock.
# docker-compose.yml runs it beside Postgres; see docs/operations.md.
FROM python:3.13-slim

# The virtual environment lives outside /app so that the source copy below
# cannot shadow it, and uv never fetches a Python of its own.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    PATH=/opt/venv/bin:$PATH

# The same uv as the Makefile's UV_VERSION.
RUN pip install --no-cache-dir uv==0.13.8

WORKDIR /app

# Packages before code, so that a code change reuses this layer. Only the main
# dependencies: the dev and test groups (mypy, Playwright...) stay out.
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-default-groups --no-cache

COPY . .

# Static files are collected once, into the image. DEBUG=0 selects whitenoise's
# compressed, hashed storage, whose manifest the running server needs; settings
# insist on a database URL and a key, and collectstatic uses neither.
RUN DEBUG=0 SECRET_KEY=collectstatic-only DATABASE_URL=postgres://unused/unused \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --no-create-home --shell /usr/sbin/nologin bzpeer
USER bzpeer

EXPOSE 8000

# gunicorn reads its worker count from WEB_CONCURRENCY; 3 suits two cores. The
# timeout is well above the database's 5 s statement timeout, so a worker is
# killed only when it is truly stuck.
ENV WEB_CONCURRENCY=3
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn bzpeer.wsgi --bind 0.0.0.0:8000 --timeout 30 --graceful-timeout 20 --access-logfile -"]
