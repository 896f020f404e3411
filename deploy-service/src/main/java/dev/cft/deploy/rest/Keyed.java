package dev.cft.deploy.rest;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Binds {@link Admission#keyed}: an API or admin key always, and the caller's rate limit, checked
 * before the method runs. The method finds the caller (a digest of its key) as the {@code
 * SecurityIdentity}'s principal.
 */
@jakarta.ws.rs.NameBinding
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
public @interface Keyed {}
