"""The report's pure arithmetic: periods of a series, figures of a group of offers, outcomes."""
