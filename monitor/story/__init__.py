"""The story engine: copies, story threads and follow-up links, and its evaluation."""
