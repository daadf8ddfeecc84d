"""Writes that touch several models or have side effects (e-mail, tasks)."""
