"""Crawling on several machines: one leader decides what is due, crawl workers share the
request queue through scrapy-redis, and each run of a source is accounted in Redis, whichever
workers crawl its pages, until the one consumer (`monitor ingest`) records it.

    monitor schedule --redis URL   the leader: owns the due times; puts each due source's
                                   entry request in the shared queue, and gives back what a
                                   dead worker held
    monitor worker --redis URL     a worker (any number, on any machine): crawls what the
                                   queue holds; raw items go to the stream
    monitor ingest --redis URL     the consumer: stores items, and records each run once all
                                   its items are stored

The keys (`KEY_PREFIX` …) are named in `monitor.cluster.keys`.
"""
