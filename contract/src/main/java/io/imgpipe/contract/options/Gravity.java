package io.imgpipe.contract.options;

/** Which part of the image a {@link Fit#COVER} crop keeps. {@link #SMART} keeps the most detailed region. */
public enum Gravity {
    CENTER, NORTH, SOUTH, EAST, WEST, NORTHEAST, NORTHWEST, SOUTHEAST, SOUTHWEST, SMART
}
