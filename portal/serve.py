"""`club serve`: build, serve site + portal on one port, rebuild on every content change.

The build side (watching content/, incremental rebuilds, the reload script) is site_builder's
DevBuilder; this module puts it in front of the portal app, runs the capabilities' background jobs
(the newsletter worker) and their development start hooks (starter forum categories).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import threading

from portal.capabilities import installed
from portal.core.settings import Settings, SettingsError, load_settings
from site_builder.build import Progress
from site_builder.config import ClubConfig
from site_builder.devserver import DevBuilder, port_is_free


def settings_given(name: str, env_file: str = ".env") -> bool:
    from starlette.config import Config

    return bool(Config(env_file if os.path.isfile(env_file) else None)(name, default=""))


def dev_settings(config: ClubConfig, host: str, port: int) -> Settings:
    """CLUB_* settings for this project; without CLUB_BASE_URL, links in mail point at this very server."""
    settings = dataclasses.replace(load_settings(), site_dir=config.site_dir, club_config=config.config_file)
    if not settings_given("CLUB_BASE_URL"):
        settings = dataclasses.replace(settings, base_url=f"http://{host}:{port}")
    return settings


def first_build(config: ClubConfig, builder: DevBuilder, build_first: bool, progress: Progress) -> bool:
    if build_first and not builder.rebuild():
        progress("serving the last good build (if any) while you fix the content")
    elif not build_first:
        builder.site = None
    if not config.output_dir("public").is_dir():
        progress(f"no built site in {config.output_dir('public')}: run `club build` first (or drop --no-build)")
        return False
    return True


def serve(config: ClubConfig, host: str, port: int, build_first: bool = True, progress: Progress = print,
          worker: bool = True, demo: bool = False) -> int:
    import uvicorn

    from portal.app import create_app

    try:
        settings = dev_settings(config, host, port)
    except SettingsError as exc:
        progress(str(exc))
        return 2
    if not port_is_free(host, port):
        progress(f"port {port} on {host} is already in use: stop the other server or pass --port")
        return 1
    builder = DevBuilder(config, progress)
    if not first_build(config, builder, build_first, progress):
        return 1
    stop = threading.Event()
    threading.Thread(target=builder.watch, args=(stop,), name="club-watch", daemon=True).start()
    app = create_app(settings, dev=builder)
    capabilities = installed()
    db = app.state.portal.db
    said = [start(db) for capability in capabilities for start in capability.on_dev_start]
    if demo:
        said += [seed(db, settings) for capability in capabilities for seed in capability.on_demo]
    for line in filter(None, said):
        progress(line)
    mail = f"mail goes through {settings.smtp_url.split('@')[-1]}" if settings.smtp_url else \
        f"mail is written to {settings.outbox_dir}/ (set CLUB_SMTP_URL to send it)"
    progress(f"portal database {settings.database}; {mail}")
    progress(f"serving http://{host}:{port}/ — editing content/ rebuilds and reloads the browser; Ctrl+C stops")
    try:
        with contextlib.ExitStack() as jobs:  # the capabilities' background work (the newsletter worker)
            for job in (job for capability in capabilities for job in capability.jobs):
                jobs.enter_context(job.start(settings, progress, worker))
            uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=1,
                        proxy_headers=False)  # X-Forwarded-For only via CLUB_TRUSTED_PROXIES (SecurityMiddleware)
    finally:
        stop.set()
    return 0
