"""gunicorn settings for SEC Release Manager:  gunicorn -c gunicorn.conf.py secrelease.wsgi

Each value can be set from the environment (below) or overridden on the command line.
"""

import os


def _cores():
    try:
        return len(os.sched_getaffinity(0))  # the cores this process may use, not the host's
    except AttributeError:
        return os.cpu_count() or 1


# Behind a TLS-terminating proxy on the same host; GUNICORN_BIND=0.0.0.0:8000 in a container.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers, one request each. With the task worker (TASKS_BACKEND=database) no request lays
# out a PDF, so every page answers quickly. Default 2 x cores + 1 (gunicorn's advice), at most 8.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * _cores() + 1, 8)))

# The slowest request is a PDF laid out inside it, ~10 s, which happens only without the task
# worker (TASKS_BACKEND=immediate); a worker silent for longer than this is killed and restarted
# (the request gets a 502 from the proxy).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then, so memory a long-lived worker gathered (fonts, layouts) returns.
max_requests = 1000
max_requests_jitter = 100

# Access log to stdout, errors (and Django's log records, settings.LOGGING) to stderr.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# The usual combined format, plus the time taken in milliseconds.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
