"""Contracts between the stages and with outside tools: record types and their JSON Schemas."""
