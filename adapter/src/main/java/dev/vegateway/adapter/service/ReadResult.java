package dev.vegateway.adapter.service;

/** What a read did, for the log line and Server-Timing: rows returned, nanoseconds in planning, the database and the sink. */
public record ReadResult(long rows, boolean moreRecords, long planNanos, long databaseNanos, long sinkNanos) {}
