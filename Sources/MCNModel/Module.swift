public enum MCNModelModule {}
