"""The club's shipped themes, installed as the package `club_themes` (pyproject.toml maps this folder).

- `site/`: Material overrides for the built site (a project's mkdocs.yml names its own copy as
  `custom_dir`; this one is the default a new project starts from);
- `generated/`: the listings the build appends to section, issue and home pages;
- `mail/`: the newsletter e-mail layout (a project's `themes/mail/` overrides it);
- `portal/`: the portal's page templates, mail templates and static files.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent
