"""The case log: storage, exports and analytics over logged sessions."""
