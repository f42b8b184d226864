package dev.mercato.app.web;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * @param maxBody the largest request body the API reads; a larger one is answered 413 before it is read
 *     (by its Content-Length, or while a chunked body streams in)
 */
@ConfigurationProperties("mercato.http")
public record HttpSettings(@DefaultValue("1MB") DataSize maxBody) {}
