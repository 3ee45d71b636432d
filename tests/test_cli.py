"""The `club` command as editors use it: exit codes, messages, help."""

import subprocess
import sys

import pytest

from portal.cli import main


def test_check_passes_on_good_content(project, capsys):
    assert main(["--config", str(project.root / "mkdocs.yml"), "check"]) == 0
    assert "pages ok" in capsys.readouterr().out


def test_check_lists_every_problem_and_exits_1(project, capsys):
    project.write("technical/a.md", "---\ntitle: A\naccess: member\n---\nT\n")
    project.write("newsletters/2026/b.md", "---\ntitle: B\ndate: tomorrow\n---\nT\n")
    assert main(["--config", str(project.root / "mkdocs.yml"), "check"]) == 1
    err = capsys.readouterr().err
    assert "content/technical/a.md:3: unknown access level" in err
    assert "content/newsletters/2026/b.md:3: bad date" in err
    assert "2 problems in the content; nothing was built" in err


def test_build_refuses_bad_content_without_touching_site(project, capsys):
    project.write("technical/a.md", "---\ntitle: A\nsegments: [nobody]\n---\nT\n")
    assert main(["--config", str(project.root / "mkdocs.yml"), "build"]) == 1
    assert not (project.site / "public").exists()


def test_missing_config_is_a_clear_error(tmp_path, capsys):
    assert main(["--config", str(tmp_path / "nope.yml"), "check"]) == 2
    assert "no such config file" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["check", "build", "serve"])
def test_every_command_has_help(command):
    result = subprocess.run([sys.executable, "-m", "portal.cli", command, "--help"],
                            capture_output=True, text=True, check=True)
    assert "usage: club" in result.stdout and len(result.stdout.splitlines()) > 4


@pytest.mark.slow
def test_build_prints_progress_and_succeeds(project, capsys):
    assert main(["--config", str(project.root / "mkdocs.yml"), "build", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "public site: built" in out and "leak scan" in out and "done" in out


def test_serve_refuses_a_busy_port(project, capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["--config", str(project.root / "mkdocs.yml"), "serve", "--no-build", "--port", str(port)]) == 1
    assert f"port {port} on 127.0.0.1 is already in use" in capsys.readouterr().out


def test_check_and_build_refuse_a_wrong_points_setting_naming_its_line(project, capsys):
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "      rounding: floor" in text and "      groups: all" in text
    config.write_text(text.replace("      rounding: floor", "      rounding: up").replace(
        "      groups: all", "      groups: all\n      bonuses:\n        - {from: 2026-01-01, until: 2026-01-31, "
        "multiplier: 2}\n        - {from: x, until: 2026-01-31, multiplier: 2}\n      expiry_month: 12"),
        encoding="utf-8")
    lines = config.read_text(encoding="utf-8").splitlines()

    def line_of(start: str) -> int:
        return next(number for number, line in enumerate(lines, 1) if line.startswith(start))
    assert main(["--config", str(config), "check"]) == 1
    err = capsys.readouterr().err
    assert f"mkdocs.yml:{line_of('      rounding: up')}: extra.club.points.rounding: one of" in err
    assert f"mkdocs.yml:{line_of('      expiry_month: 12')}: extra.club.points.expiry_month: no such" in err
    assert main(["--config", str(config), "build"]) == 1
    assert not (project.site / "public").exists()
    config.write_text(config.read_text(encoding="utf-8").replace("rounding: up", "rounding: ceil"), encoding="utf-8")
    assert main(["--config", str(config), "check"]) == 1
    second_bonus = line_of("        - {from: x, until")
    assert f"mkdocs.yml:{second_bonus}: extra.club.points.bonuses[2]" in capsys.readouterr().err
