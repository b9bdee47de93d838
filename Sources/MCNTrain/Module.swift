public enum MCNTrainModule {}
