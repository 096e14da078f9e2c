package io.odestream.eval.mortality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outcomes files in PhysioNet 2012's layout (rows as in Outcomes-a.txt). */
class MortalityOutcomesTest {

    @Test
    void readsTheDeathColumnByName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Outcomes-a.txt");
        Files.writeString(file, "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death\n"
                + "132539,6,1,5,-1,0\n132540,16,8,8,-1,0\n132541,21,11,19,-1,1\n");
        Map<String, Boolean> died = MortalityOutcomes.read(file);
        assertEquals(3, died.size());
        assertTrue(died.get("132541"));
        assertEquals(Boolean.FALSE, died.get("132539"));
    }

    @Test
    void aValueOtherThanZeroOrOneNamesItsLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Outcomes-b.txt");
        Files.writeString(file, "RecordID,SAPS-I,SOFA,Length_of_stay,Survival,In-hospital_death\n142675,27,14,9,7,x\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MortalityOutcomes.read(file));
        assertEquals(file + " line 2: In-hospital_death must be 0 or 1, got 'x'", e.getMessage());
    }
}
