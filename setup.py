"""Packages for setuptools: everything else is in pyproject.toml.

Only because pyproject.toml cannot say both "find these packages" and "install the folder themes/
as the package club_themes": the shipped templates, mail layouts and static files travel in the
wheel with the code that reads them.
"""

from setuptools import find_namespace_packages, find_packages, setup

# Every folder under themes/ is data; listing them as packages is how setuptools wants data folders.
THEMES = ["club_themes", *(f"club_themes.{name}" for name in find_namespace_packages(where="themes"))]

setup(
    packages=[*find_packages(include=["portal", "portal.*", "site_builder", "site_builder.*"]), *THEMES],
    package_dir={"club_themes": "themes"},
    package_data={"club_themes": ["**/*"]},
)
