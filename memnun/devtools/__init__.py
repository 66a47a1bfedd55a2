"""Development and benchmark tools: made-up cases in bulk (`fill_feedback`). Not the domain."""
