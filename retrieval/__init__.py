"""newsbot's library: page layout, the SQLite store, tokens, BM25, answering and evaluation."""

from retrieval.errors import NewsbotError
from retrieval.models import Answer, Article, ArticleRef, Hit, Page

__all__ = ["Answer", "Article", "ArticleRef", "Hit", "NewsbotError", "Page"]
