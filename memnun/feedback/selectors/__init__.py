"""Reads of feedback for interfaces, reports and services: one module a topic."""
