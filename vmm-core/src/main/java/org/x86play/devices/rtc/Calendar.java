package org.x86play.devices.rtc;

/** Proleptic Gregorian calendar arithmetic on days since 1970-01-01 (pure integer math). */
final class Calendar {
    private Calendar() {}

    static long daysFromCivil(long y, int m, int d) {
        if (m <= 2) y--;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;                                   // 0..399
        int mp = m > 2 ? m - 3 : m + 9;                              // March = 0
        long doy = (153L * mp + 2) / 5 + d - 1;                      // 0..365
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // 0..146096
        return era * 146097 + doe - 719468;
    }

    /** {year, month 1..12, day 1..31} of a day number. */
    static long[] civilFromDays(long z) {
        z += 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        long y = yoe + era * 400 + (m <= 2 ? 1 : 0);
        return new long[] {y, m, d};
    }

    /** 1 = Sunday .. 7 = Saturday (1970-01-01 was a Thursday). */
    static int dayOfWeek(long days) {
        return (int) Math.floorMod(days + 4, 7) + 1;
    }

    static int daysInMonth(long y, int m) {
        if (m == 2) return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
        return m == 4 || m == 6 || m == 9 || m == 11 ? 30 : 31;
    }
}
