package dev.mercato.analytics;

import java.util.Map;

/** A named report's answer, with the parameters it ran with and how fresh the warehouse was. */
public record Report(String name, Map<String, String> parameters, Table result, Freshness freshness) {}
