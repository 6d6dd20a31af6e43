package dev.strata.samples.inventory;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import java.util.List;

/**
 * The REST API, JSON in and out:
 * <pre>
 * GET    /items?after=SKU&amp;limit=50          items in SKU order, a page at a time
 * GET    /items/{sku}                      one item (404 if absent)
 * PUT    /items/{sku}                      create or replace: {"name": "...", "quantity": 10}
 * DELETE /items/{sku}                      the item and its movements (204, or 404)
 * POST   /items/{sku}/adjustments          {"delta": -3, "reason": "order 17"} (409 if stock would go below 0)
 * GET    /items/{sku}/movements?from=0&amp;limit=100   the item's stock movements in order
 * POST   /transfers                        {"from": "a", "to": "b", "quantity": 2, "reason": "..."}: one transaction
 * </pre>
 * Errors are RFC 9457 problem details ({@link InventoryErrors}).
 */
@RestController
public class InventoryController {

    private final InventoryService inventory;

    public InventoryController(InventoryService inventory) {
        this.inventory = inventory;
    }

    @GetMapping("/items")
    public List<Item> list(@RequestParam(required = false) String after, @RequestParam(defaultValue = "50") int limit) {
        return inventory.list(after, limit);
    }

    @GetMapping("/items/{sku}")
    public Item get(@PathVariable String sku) {
        return inventory.find(sku).orElseThrow(() -> new ItemNotFoundException(sku));
    }

    @PutMapping("/items/{sku}")
    public Item put(@PathVariable String sku, @RequestBody ItemRequest request) {
        return inventory.put(sku, request);
    }

    @DeleteMapping("/items/{sku}")
    public ResponseEntity<Void> delete(@PathVariable String sku) {
        return inventory.delete(sku) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    @PostMapping("/items/{sku}/adjustments")
    public Item adjust(@PathVariable String sku, @RequestBody AdjustmentRequest request) {
        return inventory.adjust(sku, request);
    }

    @PostMapping("/transfers")
    public TransferResult transfer(@RequestBody TransferRequest request) {
        return inventory.transfer(request);
    }

    @GetMapping("/items/{sku}/movements")
    public List<Movement> movements(@PathVariable String sku, @RequestParam(defaultValue = "0") long from,
                                    @RequestParam(defaultValue = "100") int limit) {
        return inventory.movements(sku, from, limit);
    }
}
