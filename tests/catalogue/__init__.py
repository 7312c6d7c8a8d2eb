"""Tests of the catalogue service."""
