"""Text tools shared by more than one rule family: sentences, syllables, the medical vocabulary, plain-word swaps."""
