"""`make run`'s server: Django's development server (with static files) that can take a crowd at once.

Django's development server listens with a queue of 10 connections; when a workplace's whole staff open the survey
at the same moment (200 phones after a meeting), the kernel drops or resets the connections beyond that before a
thread can take them. This server is the same one with a deep queue (the kernel caps it at net.core.somaxconn).
"""

from __future__ import annotations

from django.contrib.staticfiles.management.commands.runserver import Command as StaticFilesRunserver
from django.core.servers.basehttp import WSGIServer


class CrowdWSGIServer(WSGIServer):
    request_queue_size = 1024


class Command(StaticFilesRunserver):
    server_cls = CrowdWSGIServer
