"""Learning to rank playlists for a track: outcomes, features, model, recommendations."""
