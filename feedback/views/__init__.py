"""Feedback pages: answering (personal link), results and trends, pulse surveys, templates."""
