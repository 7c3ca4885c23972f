# A shim for scrapyd-deploy, which builds its egg with `setup.py bdist_egg`.
# Everything (metadata, packages, package data, the scrapy entry point) is in pyproject.toml.
from setuptools import setup

setup()
