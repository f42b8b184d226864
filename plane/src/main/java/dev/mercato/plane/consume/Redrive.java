package dev.mercato.plane.consume;

/**
 * What a redrive did.
 *
 * @param applied events applied (or found already applied) and removed from the dead letters
 * @param stillParked events still parked in the keys it redrove
 * @param lastError the error of the event that failed again and stopped the redrive, or null
 */
public record Redrive(int applied, int stillParked, String lastError) {

    static final Redrive NOTHING = new Redrive(0, 0, null);

    Redrive plus(Redrive other) {
        return new Redrive(
                applied + other.applied,
                stillParked + other.stillParked,
                other.lastError != null ? other.lastError : lastError);
    }
}
