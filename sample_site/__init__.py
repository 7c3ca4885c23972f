"""The sample news site: a test fixture server, kept out of the installed package.

`make demo` serves and crawls it (`python -m sample_site.demo`); the tests start it with
`python -m sample_site.server` from the repository root.
"""
