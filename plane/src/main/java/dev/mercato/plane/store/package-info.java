/** Where embedded stores keep their files: one locked data folder per platform process. */
package dev.mercato.plane.store;
