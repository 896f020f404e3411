package dev.cft.deploy.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds {@link Admission#serving}: a key only when {@code cft.deploy.keys.serving-required}, and
 * the caller's rate limit, checked before the method runs and before its body is read.
 */
@jakarta.ws.rs.NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Serving {}
