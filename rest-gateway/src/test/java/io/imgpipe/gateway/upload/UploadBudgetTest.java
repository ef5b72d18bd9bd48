package io.imgpipe.gateway.upload;

import io.imgpipe.gateway.http.ApiException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

class UploadBudgetTest {

    @Test
    void givenReservationsThatFit_whenReserved_thenBothAreHeldAndGivenBackOnClose() {
        UploadBudget budget = new UploadBudget(100);

        UploadBudget.Reservation a = budget.reserve(60);
        UploadBudget.Reservation b = budget.reserve(40);
        assertThat(budget.reserved()).isEqualTo(100);

        a.close();
        b.close();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void givenAFullBudget_whenMoreIsReserved_thenItIs503WithRetryAfter() {
        UploadBudget budget = new UploadBudget(100);
        budget.reserve(80);

        ApiException e = assertThrows(ApiException.class, () -> budget.reserve(21));

        assertThat(e.status()).isEqualTo(503);
        assertThat(e.error()).isEqualTo("overloaded");
        assertThat(e.retryAfterSeconds()).isPositive();
        assertThat(budget.reserved()).isEqualTo(80);
    }

    @Test
    void givenAnEmptyBudget_whenOneUploadLargerThanItIsReserved_thenItIsAdmittedAlone() {
        UploadBudget budget = new UploadBudget(100);

        try (UploadBudget.Reservation big = budget.reserve(500)) {
            assertThat(budget.reserved()).isEqualTo(500);
            assertThrows(ApiException.class, () -> budget.reserve(1));
        }
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void givenAReservation_whenClosedTwice_thenItIsGivenBackOnce() {
        UploadBudget budget = new UploadBudget(100);
        budget.reserve(30);
        UploadBudget.Reservation r = budget.reserve(50);

        r.close();
        r.close();

        assertThat(budget.reserved()).isEqualTo(30);
    }
}
