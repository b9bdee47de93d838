public enum MCNVideoModule {}
