public enum MCNTUIModule {}
