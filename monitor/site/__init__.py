"""The analyst's site: a static HTML report of the story threads that opens from file://."""

from monitor.site.build import SiteError, SiteResult, build_site

__all__ = ["SiteError", "SiteResult", "build_site"]
