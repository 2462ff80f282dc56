"""The coach's features, one module each: onboarding, lessons, suggestions, interests, feeds, reminders,
settings, stats, privacy. `bot.core.router` maps each command and button to one of them."""
