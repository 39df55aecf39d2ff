"""A load simulation of the several-machines mode: `server` makes up thousands of news
sources on loopback addresses, `run` drives a leader, crawl workers and the consumer against
them and checks that every post published was stored exactly once (see `run`'s docstring);
`selfcheck` checks the server on its own and measures how many requests a second it answers."""
