"""The artist and label portal: accounts, per-artist pages and a JSON API over the publication database.

Only `params`, `settings`, `tables`, `accounts` and `statuses` may be imported on light paths
(the CLI, the effect stage); the web modules import FastAPI and load only when the portal serves.
"""
