"""Real AutoML behind the emulated CreateAutoMLJobV2: data loading, search, model stages and inference."""
