"""Coachbot: a Telegram coach that gets reluctant company leaders onto social media."""

__version__ = "0.3.0"
